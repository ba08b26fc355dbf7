"""The built-in prompt templates (one YAML file each), shipped in the wheel as ``summarizer.prompt_files``."""
