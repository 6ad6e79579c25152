"""Remote joint review (远程会审) and the expert pool it draws from."""
