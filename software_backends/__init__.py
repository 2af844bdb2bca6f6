"""Software simulators (NEST, Brian 2, NEURON) behind the pynn_hw backend interface."""
