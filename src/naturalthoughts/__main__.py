import sys

from naturalthoughts.cli import main

sys.exit(main())
