module libsigv4.example/sigv4

go 1.19
