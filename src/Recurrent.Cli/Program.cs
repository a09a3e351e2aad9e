using System.CommandLine;
using Recurrent.Cli;
using Recurrent.Cli.Commands;

var bench = new Command("bench", "Measure Recurrent's kernels (compare with ../shared/peers).")
{
    BenchGemmCommand.Create(),
    BenchRnnCommand.Create(),
};

var root = new RootCommand("recurrent: recurrent neural networks (Elman, Jordan, LSTM, GRU) in pure managed C#.")
{
    CliErrors.Verbose,
    bench,
    ExperimentCommand.Create(),
};

return root.Parse(args).Invoke();
