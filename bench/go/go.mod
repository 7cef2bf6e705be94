module mapscope/bench/go

go 1.19
