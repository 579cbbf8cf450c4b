"""Reference implementations, in PyTorch, of the models Circuitbook publishes (one module per model family)."""
