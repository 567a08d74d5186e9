"""File formats: PyTorch zip, safetensors, and whole-or-nothing writes."""
