using System.CommandLine;
using Recurrent.Cli;
using Recurrent.Cli.Commands;
using Recurrent.Cli.Tasks;

var bench = new Command("bench", "Measure Recurrent's kernels (compare with ../shared/peers).")
{
    BenchGemmCommand.Create(),
    BenchRnnCommand.Create(),
    BenchCharLmCommand.Create(),
    BenchDistributedCommand.Create(),
    BenchPeakCommand.Create(),
};

var charlm = new Command("charlm", "The lecture's character-level language model: train, sample, eval.")
{
    CharLmTrainCommand.Create(),
    CharLmSampleCommand.Create(),
    CharLmEvalCommand.Create(),
};

var train = new Command("train", "Train a model on your own data: classify, tag, forecast, seq2seq, or a language model (lm).")
{
    Recurrent.Cli.Tasks.TrainTask.Create("classify", "N-1: one class per sequence (a word's language, an image read row by row, a sensor recording)."),
    Recurrent.Cli.Tasks.TrainTask.Create("tag", "N-N: one tag per step (part of speech, per-step activity)."),
    Recurrent.Cli.Tasks.TrainTask.Create("forecast", "Time series: the next steps of one or more columns from a window of history."),
    Recurrent.Cli.Tasks.TrainTask.Create("seq2seq", "N-M: an output sequence for each input sequence (pronunciation, transliteration, translation), with attention."),
    Recurrent.Cli.Tasks.LanguageModelTask.CreateTrain(),
};

var root = new RootCommand("recurrent: recurrent neural networks (Elman, Jordan, LSTM, GRU) in pure managed C#.")
{
    CliErrors.Verbose,
    train,
    EvaluateCommand.Create(),
    PredictCommand.Create(),
    ExportCommand.Create(),
    SplitCommand.Create(),
    charlm,
    bench,
    ExperimentCommand.Create(),
    ImportCommand.Create(),
    ViewCommand.Create(),
};

var parse = root.Parse(args);
return parse.Errors.Count > 0 || parse.UnmatchedTokens.Count > 0 ? CliErrors.ParseFailed(parse) : parse.Invoke();
