// Placeholder; the generator is being written.
