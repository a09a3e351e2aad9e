using System.Globalization;
using Recurrent.Cells;

namespace Recurrent.Cli;

/// <summary>
/// The largest sizes and budgets the commands accept, and the checks that refuse a run before it allocates: a size
/// past its limit, or a model and batch whose memory would exceed what the process may use
/// (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>), is a one-line <see cref="UsageException"/> naming the option.
/// </summary>
/// <remarks>
/// The limits are far above what a recurrent network on a CPU trains, and far below what overflows a 32-bit index:
/// a typo such as <c>--hidden 100000000</c> is refused at once instead of failing minutes later, or never.
/// </remarks>
internal static class Limits
{
    public const int Hidden = 65_536;
    public const int Embedding = 65_536;
    public const int Input = 65_536;
    public const int Layers = 64;
    public const int Batch = 1_000_000;
    public const int Window = 1_000_000;
    public const int Threads = 4_096;
    public const int GemmSize = 1_048_576;
    public const int SampleLength = 100_000_000;
    public const double Minutes = 1_000_000;
    public const double Seconds = 60 * Minutes;
    public const double LearningRate = 1;

    /// <summary><paramref name="value"/> if it is in [1, <paramref name="max"/>]; otherwise a message naming <paramref name="option"/>.</summary>
    public static int Size(int value, int max, string option) =>
        value is > 0 && value <= max ? value
        : throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{option} must be an integer from 1 to {max:N0}; got {value}."));

    /// <summary><paramref name="value"/> if it is finite and in (0, <paramref name="max"/>]; otherwise a message naming <paramref name="option"/>.</summary>
    public static double Positive(double value, double max, string option) =>
        value > 0 && value <= max ? value
        : throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{option} must be a number in (0, {max:G}]; got {value}."));

    /// <summary><paramref name="value"/> if it is finite and in [0, <paramref name="max"/>]; otherwise a message naming <paramref name="option"/>.</summary>
    public static double NonNegative(double value, double max, string option) =>
        value >= 0 && value <= max ? value
        : throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{option} must be a number in [0, {max:G}]; got {value}."));

    /// <summary>Refuses a run that needs more than the memory available to the process.</summary>
    /// <param name="bytes">A lower bound of the memory the run needs.</param>
    /// <param name="what">What needs it, naming the options (<c>--hidden 65536 with --layers 64</c>).</param>
    public static void Memory(double bytes, string what)
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"{what} needs at least {bytes / (1 << 30):F1} GiB, more than the {available / (double)(1 << 30):F1} GiB this process may use; choose smaller sizes."));
        }
    }

    /// <summary>Weights of a stacked recurrent layer: per layer, gates · H · (input + H) weights and 2 · gates · H biases.</summary>
    public static double RecurrentParameters(CellKind cell, int input, int hidden, int layers)
    {
        double gates = Gates(cell), count = 0;
        for (int l = 0; l < layers; l++) count += gates * hidden * ((l == 0 ? input : hidden) + hidden + 2.0);
        return count;
    }

    /// <summary>
    /// A lower bound of the bytes training needs (float32): the weights, their gradients and Adam's two moments, and for
    /// each of the B · T positions its input, the gates, h and c of every layer, and the logits and their gradient.
    /// </summary>
    public static double TrainingBytes(double parameters, CellKind cell, int batch, int steps, int input, int hidden, int layers, int outputs) =>
        4.0 * (4 * parameters + (double)batch * steps * (input + layers * (Gates(cell) + 2.0) * hidden + 2.0 * outputs));

    private static int Gates(CellKind cell) => cell switch
    {
        CellKind.Lstm => 4,
        CellKind.Gru or CellKind.CudnnGru => 3,
        _ => 1,
    };
}
