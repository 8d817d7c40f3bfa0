export {
  findProjectFile,
  getPath,
  type LoadProjectOptions,
  loadProject,
  PROJECT_FILE,
  Project,
} from "./load.js";
export { connectorSchema, envNameFor, listSettings, type SettingInfo, settingInfo } from "./schema.js";
export type * from "./types.js";
