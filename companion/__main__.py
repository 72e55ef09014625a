from companion.launch import main

main()
