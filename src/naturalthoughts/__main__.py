import sys

from naturalthoughts.main import main

# The guard matters: vLLM's CPU engine starts workers with `spawn`, which re-imports the main module.
if __name__ == "__main__":
    sys.exit(main())
