from sanfu.cli import main

main()
