// Names for the API's schemas, generated from api/openapi.yaml into
// schema.d.ts (npm run gen:api): a contract change that breaks a screen
// breaks npm run typecheck.
import type { components } from "./schema";

type Schemas = components["schemas"];

export type User = Schemas["User"];
export type UserSummary = Schemas["UserSummary"];
export type VM = Schemas["VM"];
export type Container = Schemas["Container"];
export type ContainerService = Schemas["ContainerService"];
export type Event = Schemas["Event"];
export type EventOverview = Schemas["EventOverview"];
export type EventConnection = Schemas["EventConnection"];
export type Operation = Schemas["Operation"];
export type OperationState = Schemas["OperationState"];
export type OperationStep = Schemas["OperationStep"];
export type ConsoleSettings = Schemas["ConsoleSettings"];
export type Node = Schemas["Node"];
export type NodeRequest = Schemas["NodeRequest"];
export type Site = Schemas["Site"];
export type Role = Schemas["Role"];
export type ErrorBody = Schemas["Error"];
export type ErrorCode = ErrorBody["error"]["code"];
export type EventItem = Schemas["EventItem"];
export type EventMember = Schemas["EventMember"];
export type EventRequest = Schemas["EventRequest"];
export type EventActivity = Schemas["EventActivity"];
export type Environment = Schemas["Environment"];
export type EnvironmentRequest = Schemas["EnvironmentRequest"];
export type MachineRequest = Schemas["MachineRequest"];
export type Template = Schemas["Template"];
export type ServiceRequest = Schemas["ServiceRequest"];
export type ContainerCreateRequest = Schemas["ContainerCreateRequest"];
export type ContainerUpdateRequest = Schemas["ContainerUpdateRequest"];
export type Collaborator = Schemas["Collaborator"];
export type ExternalDomain = Schemas["ExternalDomain"];
export type SiteGateway = Schemas["SiteGateway"];
export type Group = Schemas["Group"];
export type RoleGrant = Schemas["RoleGrant"];
export type EmailTemplate = Schemas["EmailTemplate"];
export type Email = Schemas["Email"];
export type EmailStatus = Schemas["EmailStatus"];
export type SystemEvent = Schemas["SystemEvent"];
export type AuditRecord = Schemas["AuditRecord"];
