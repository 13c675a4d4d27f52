import sys

from leadscout_es.cli import main

sys.exit(main())
