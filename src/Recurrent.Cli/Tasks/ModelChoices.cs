using Recurrent.Cells;
using Recurrent.Models;

namespace Recurrent.Cli.Tasks;

/// <summary>The model options of <c>recurrent train</c>, with each task's defaults already applied.</summary>
internal sealed record ModelChoices(CellKind Cell, int Hidden, int Layers, int Embed, bool Bidirectional, SequencePooling Pooling,
    double Dropout, int FrameEncoder, bool Attention, double InputDropout = 0, double OutputDropout = 0);
