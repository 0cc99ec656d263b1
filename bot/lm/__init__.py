"""The language-model reader's model: the GGUF weights, the runtime behind a small protocol,
and the prompt as data. Answering sees only `bot.lm.model.LanguageModel`."""
