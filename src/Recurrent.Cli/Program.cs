using System.CommandLine;
using Recurrent.Cli;
using Recurrent.Cli.Commands;

var bench = new Command("bench", "Measure Recurrent's kernels (compare with ../shared/peers).")
{
    BenchGemmCommand.Create(),
    BenchRnnCommand.Create(),
    BenchCharLmCommand.Create(),
};

var charlm = new Command("charlm", "The lecture's character-level language model: train, sample, eval.")
{
    CharLmTrainCommand.Create(),
    CharLmSampleCommand.Create(),
    CharLmEvalCommand.Create(),
};

var root = new RootCommand("recurrent: recurrent neural networks (Elman, Jordan, LSTM, GRU) in pure managed C#.")
{
    CliErrors.Verbose,
    charlm,
    bench,
    ExperimentCommand.Create(),
};

var parse = root.Parse(args);
return parse.Errors.Count > 0 || parse.UnmatchedTokens.Count > 0 ? CliErrors.ParseFailed(parse) : parse.Invoke();
