module mapscope.test/e2e/leakyservice

go 1.19
