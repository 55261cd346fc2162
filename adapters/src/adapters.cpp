// adapters layer
