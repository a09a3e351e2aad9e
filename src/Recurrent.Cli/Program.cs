using System.CommandLine;
using Recurrent.Cli;
using Recurrent.Cli.Commands;
using Recurrent.Cli.Tasks;

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

// The lm task alone until TrainCommand, EvaluateCommand and PredictCommand (every task) are merged in.
var train = new Command("train", "Train a model for a task.") { LanguageModelTask.CreateTrain() };
var data = new Option<string>("--data") { Description = "UTF-8 text to score.", Required = true };
var json = CommonOptions.Json();
var evaluateModel = new Option<string>("--model") { Description = "A model file.", Required = true };
var evaluate = new Command("evaluate", "Score a model on a text.") { evaluateModel, data, json };
evaluate.SetAction(p => CliErrors.Run(p, () => LanguageModelTask.Evaluate(p.GetValue(evaluateModel)!, p.GetValue(data)!, p.GetValue(json))));
var text = new Option<string>("--text") { Description = "The text to continue.", Required = true };
var predictModel = new Option<string>("--model") { Description = "A model file.", Required = true };
var predict = new Command("predict", "Continue a text with a model.") { predictModel, text };
predict.SetAction(p => CliErrors.Run(p, () => LanguageModelTask.Predict(p.GetValue(predictModel)!, p.GetValue(text)!, 100, 0.8, 1)));

var root = new RootCommand("recurrent: recurrent neural networks (Elman, Jordan, LSTM, GRU) in pure managed C#.")
{
    CliErrors.Verbose,
    charlm,
    train,
    evaluate,
    predict,
    bench,
    ExperimentCommand.Create(),
};

var parse = root.Parse(args);
return parse.Errors.Count > 0 || parse.UnmatchedTokens.Count > 0 ? CliErrors.ParseFailed(parse) : parse.Invoke();
