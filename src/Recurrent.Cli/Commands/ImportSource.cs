using System.CommandLine;
using Recurrent.Layers;

namespace Recurrent.Cli.Commands;

/// <summary>
/// One format <c>recurrent import</c> reads: the option that names the file (<c>--pytorch FILE</c>), the options only
/// this format needs, and how to build a Recurrent module from the file.
/// </summary>
/// <param name="File">The option naming the source file.</param>
/// <param name="Options">The format's own options.</param>
/// <param name="Build">Builds the module from the parsed command line and the file's path.</param>
internal sealed record ImportSource(Option<string?> File, IReadOnlyList<Option> Options, Func<ParseResult, string, Module<float>> Build);
