"""What keeps one request from holding the server: body size, query cost, a lane for costly
operations, and the interpreter settings measured for it."""
