// Request validation for the OpenAI-compatible endpoints. Unknown top-level fields are kept (loose objects): the
// adapters pass them to providers that accept them and drop them, by a data-driven list, for those that do not.
import { z } from "zod";

const TextPart = z.object({ type: z.literal("text"), text: z.string() });
const ImagePart = z.object({
  type: z.literal("image_url"),
  image_url: z.object({ url: z.string().min(1), detail: z.enum(["auto", "low", "high"]).optional() }),
});
const OtherPart = z.looseObject({ type: z.string() });
const UserContent = z.union([z.string(), z.array(z.union([TextPart, ImagePart, OtherPart]))]);
const TextContent = z.union([z.string(), z.array(TextPart)]);

const ToolCall = z.object({
  id: z.string().min(1),
  type: z.literal("function"),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const Message = z.discriminatedUnion("role", [
  z.looseObject({ role: z.literal("system"), content: TextContent, name: z.string().optional() }),
  z.looseObject({ role: z.literal("developer"), content: TextContent, name: z.string().optional() }),
  z.looseObject({ role: z.literal("user"), content: UserContent, name: z.string().optional() }),
  z.looseObject({
    role: z.literal("assistant"),
    content: TextContent.nullish(),
    tool_calls: z.array(ToolCall).optional(),
    name: z.string().optional(),
  }),
  z.looseObject({ role: z.literal("tool"), content: TextContent, tool_call_id: z.string().min(1) }),
]);

const FunctionTool = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, _ or -"),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const ToolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) }),
]);

const ResponseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string().min(1),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const PositiveInt = z.number().int().positive();

export const ChatCompletionRequest = z.looseObject({
  model: z.string().min(1, "model is required"),
  messages: z.array(Message).min(1, "messages must contain at least one message"),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: PositiveInt.nullish(),
  max_completion_tokens: PositiveInt.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  tools: z.array(FunctionTool).optional(),
  tool_choice: ToolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: ResponseFormat.optional(),
  n: z.number().int().min(1).max(8).nullish(),
  seed: z.number().int().nullish(),
  user: z.string().optional(),
  reasoning_effort: z.enum(["minimal", "low", "medium", "high"]).nullish(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

export const EmbeddingsRequest = z.looseObject({
  model: z.string().min(1, "model is required"),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1).max(2048),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int()).min(1)).min(1).max(2048),
  ]),
  encoding_format: z.enum(["float", "base64"]).optional(),
  dimensions: PositiveInt.optional(),
  user: z.string().optional(),
});
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequest>;
