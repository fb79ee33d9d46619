import sys

from annolake_client.cli import main

sys.exit(main())
