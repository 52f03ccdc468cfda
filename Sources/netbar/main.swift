print("netbar")
