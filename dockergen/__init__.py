"""dockergen: Docker builds for pnpm monorepos."""

__version__ = "0.1.0"
