export { createAppContext, type AppContext } from "./context.js";
export { NotFoundError, ValidationError } from "./errors.js";
export { createRandomIdGenerator, createSequentialIdGenerator, type IdGenerator } from "./ids.js";
export {
  MAX_BODY_LENGTH,
  MAX_TAGS,
  MAX_TITLE_LENGTH,
  countWords,
  slugify,
  summarizeNote,
  validateNoteInput,
  validateNotePatch,
  type Note,
  type NoteInput,
  type NotePatch,
  type NoteSummary,
} from "./notes.js";
export { NoteService, type Clock, type NoteRepository, type NoteServiceDeps } from "./service.js";
