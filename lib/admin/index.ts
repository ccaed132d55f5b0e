// The operator console's verbs (platform admins only; see operator.ts). Importing this module declares all of
// them in OPERATOR_VERBS.
export * from "./operator";
export * from "./providers";
export * from "./models";
export * from "./workspaces";
export * from "./routing";
export * from "./audit-log";
export * from "./settings";
