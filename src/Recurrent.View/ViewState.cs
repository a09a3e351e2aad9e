using Recurrent.View.Files;

namespace Recurrent.View;

/// <summary>What the endpoints share: the options, the runs and the models (one instance per server).</summary>
internal sealed class ViewState(ViewOptions options)
{
    public ViewOptions Options { get; } = options;

    public RunStore Runs { get; } = new(options.RunsDirectory);

    public ModelStore Models { get; } = new(options.RunsDirectory, options.ModelFile);
}
