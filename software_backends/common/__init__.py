"""Pieces the software backends (NEST, Brian 2, NEURON) share: option checks,
per-cell value arrays and the buffers recorded data wait in until they are read."""
