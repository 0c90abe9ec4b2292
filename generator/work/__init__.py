"""How the stages' work runs: over idle CPUs in small pieces, timed per phase, with the garbage collector paused."""
