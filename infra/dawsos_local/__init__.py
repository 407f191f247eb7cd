"""Local tooling: embedded services, the HTTP gateway and the `dawsos` CLI."""
