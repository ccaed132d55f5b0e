// OpenAI-compatible vendors as data: where they live and how they differ from OpenAI, each difference taken from the
// vendor's own documentation (cited in `docs`). The OpenAI adapter applies these quirks; nothing branches on a
// vendor's name. A provider row picks one of these as its defaults (base URL, quirks) and may override them.
import type { OpenAIVendorQuirks } from "./openai";

export interface Vendor {
  /** Base URL including the version path; the adapter appends /chat/completions and /embeddings. */
  baseUrl: string;
  quirks: OpenAIVendorQuirks;
  /** Where the quirks come from. */
  docs: string;
}

/** OpenAI request fields Mistral's chat API does not define (it rejects unknown fields with a 422). */
const MISTRAL_UNSUPPORTED = [
  "user",
  "logprobs",
  "top_logprobs",
  "logit_bias",
  "stream_options",
  "service_tier",
  "store",
  "metadata",
  "modalities",
  "audio",
  "reasoning_effort",
  "verbosity",
  "web_search_options",
  "prompt_cache_key",
  "prompt_cache_retention",
  "safety_identifier",
  "functions",
  "function_call",
];

export const VENDORS: Record<string, Vendor> = {
  openai: {
    baseUrl: "https://api.openai.com/v1",
    // OpenAI answers 400 "Unrecognized request argument supplied" for fields it does not know.
    quirks: { passUnknownParams: false },
    docs: "https://platform.openai.com/docs/api-reference/chat/create (stream_options.include_usage: a final chunk with choices [] and usage; every other chunk carries usage null)",
  },
  deepseek: {
    baseUrl: "https://api.deepseek.com/v1",
    quirks: {
      reasoningField: "reasoning_content",
      renameParams: { max_completion_tokens: "max_tokens" },
      // "If you pass reasoning_content in the input messages, the API returns a 400 error."
      dropParams: ["messages[].reasoning_content"],
    },
    docs: "https://api-docs.deepseek.com/guides/reasoning_model (reasoning_content beside content; passing it back in messages is a 400); https://api-docs.deepseek.com/api/create-chat-completion (max_tokens; stream_options.include_usage; usage.prompt_cache_hit_tokens / prompt_cache_miss_tokens; finish_reason insufficient_system_resource)",
  },
  qwen: {
    baseUrl: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
    quirks: {
      reasoningField: "reasoning_content",
      renameParams: { max_completion_tokens: "max_tokens" },
      embeddingsBase64: false,
    },
    docs: "https://www.alibabacloud.com/help/en/model-studio/compatibility-of-openai-with-dashscope (base_url compatible-mode/v1; stream_options.include_usage puts usage in the last chunk; thinking models stream reasoning_content; embeddings encoding_format supports float only); https://www.alibabacloud.com/help/en/model-studio/stream",
  },
  mistral: {
    baseUrl: "https://api.mistral.ai/v1",
    quirks: {
      passUnknownParams: false,
      supportsStreamUsage: false, // not in the request schema; usage comes on the final chunk anyway
      renameParams: {
        seed: "random_seed",
        max_completion_tokens: "max_tokens",
        dimensions: "output_dimension",
      },
      dropParams: MISTRAL_UNSUPPORTED,
    },
    docs: "https://docs.mistral.ai/api/#tag/chat/operation/chat_completion_v1_chat_completions_post (fields: model, messages, temperature, top_p, max_tokens, stream, stop, random_seed, response_format, tools, tool_choice, presence_penalty, frequency_penalty, n, parallel_tool_calls, prediction, safe_prompt; finish_reason stop | length | model_length | error | tool_calls; embeddings output_dimension, encoding_format); https://github.com/mistralai/client-python/blob/main/src/mistralai/models/chatcompletionrequest.py",
  },
  groq: {
    baseUrl: "https://api.groq.com/openai/v1",
    quirks: {
      reasoningField: "reasoning",
      // "The following fields are currently not supported and will result in a 400 error if they are supplied:
      //  logprobs, logit_bias, top_logprobs, messages[].name; if N is supplied, it must be equal to 1."
      dropParams: ["logprobs", "logit_bias", "top_logprobs", "n", "messages[].name"],
    },
    docs: "https://console.groq.com/docs/openai (Currently Unsupported OpenAI Features); https://console.groq.com/docs/reasoning (reasoning_format parsed: message.reasoning)",
  },
  together: {
    baseUrl: "https://api.together.ai/v1",
    quirks: { renameParams: { max_completion_tokens: "max_tokens" }, embeddingsBase64: false },
    docs: "https://docs.together.ai/docs/inference/openai-compatibility (base_url https://api.together.ai/v1; chat, embeddings); https://docs.together.ai/reference/embeddings (model, input)",
  },
  openrouter: {
    baseUrl: "https://openrouter.ai/api/v1",
    quirks: { reasoningField: "reasoning", renameParams: { max_completion_tokens: "max_tokens" } },
    docs: "https://openrouter.ai/docs/api-reference/overview (request schema; message.reasoning); https://openrouter.ai/docs/api-reference/streaming (': OPENROUTER PROCESSING' comments; mid-stream errors as data events with an error field and finish_reason error); https://openrouter.ai/docs/use-cases/usage-accounting (usage always in the last SSE message; stream_options.include_usage accepted, no effect)",
  },
  vllm: {
    baseUrl: "http://localhost:8000/v1",
    // reasoning_content in older releases, reasoning in newer ones: the adapter's default list reads both.
    quirks: {},
    docs: "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html (parallel_tool_calls and user ignored; extra sampling params in the body; stream_options.include_usage); https://docs.vllm.ai/en/latest/features/reasoning_outputs.html",
  },
  ollama: {
    baseUrl: "http://localhost:11434/v1",
    quirks: { reasoningField: "reasoning", renameParams: { max_completion_tokens: "max_tokens" } },
    docs: "https://docs.ollama.com/api/openai-compatibility (no API key needed locally; supported fields include max_tokens, seed, stop, stream_options.include_usage, tools, reasoning_effort; /v1/embeddings float and base64)",
  },
};
