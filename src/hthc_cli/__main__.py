from hthc_cli.cli.main import run

run()
