using System.CommandLine;

namespace Recurrent.Cli.Commands;

/// <summary>
/// How a char-LM training command names its texts (<see cref="CharLmTraining"/> does the rest): <c>charlm train</c>
/// takes <c>--corpus</c> (default: the built-in corpus) and <c>--val-fraction</c>; <c>train lm</c> takes
/// <c>--data</c> and <c>--valid</c> or <c>--valid-fraction</c>.
/// </summary>
internal interface ICharLmTextOptions
{
    /// <summary>The option that names the training text, as messages name it (<c>--corpus</c>, <c>--data</c>).</summary>
    string DataName { get; }

    /// <summary>The options of the training text, shown first; a resumed run may give it again (the file moved).</summary>
    IReadOnlyList<Option> Data { get; }

    /// <summary>The options that choose the validation text, shown before <c>--out</c>; a resumed run keeps its own.</summary>
    IReadOnlyList<Option> Split { get; }

    /// <summary>A new run's texts, checked, in <see cref="CharLmRun.Corpus"/>, <see cref="CharLmRun.ValidationFraction"/> and <see cref="CharLmRun.Validation"/>.</summary>
    CharLmRun Configure(System.CommandLine.ParseResult parse, CharLmRun run);

    /// <summary>The training text given again to a resumed run, or null to read the run's own.</summary>
    string? DataOnResume(System.CommandLine.ParseResult parse);
}
