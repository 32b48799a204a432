export class ValidationError extends Error {
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super(`Validation failed: ${issues.join("; ")}`);
    this.name = "ValidationError";
    this.issues = issues;
  }
}

export class NotFoundError extends Error {
  readonly id: string;

  constructor(entity: string, id: string) {
    super(`${entity} ${id} not found`);
    this.name = "NotFoundError";
    this.id = id;
  }
}
