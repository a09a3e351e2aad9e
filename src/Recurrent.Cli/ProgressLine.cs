using System.Diagnostics;
using System.Globalization;
using Recurrent.Training;

namespace Recurrent.Cli;

/// <summary>
/// The live progress line of a training run on a terminal (bar, step, chars/s, train loss, last validation loss,
/// ETA), redrawn in place a few times a second; when stdout is redirected, a plain line every ten seconds instead.
/// </summary>
internal sealed class ProgressLine(string unit = "chars")
{
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private bool _drawn;

    public void Update(TrainingProgress p)
    {
        double every = _interactive ? 0.25 : 10;
        if (_sinceDraw.Elapsed.TotalSeconds < every) return;
        _sinceDraw.Restart();
        string text = Format(p, unit);
        if (_interactive)
        {
            int width = Math.Max(20, SafeWidth() - 1);
            Console.Write("\r" + (text.Length > width ? text[..width] : text.PadRight(width)));
            _drawn = true;
        }
        else
        {
            Console.WriteLine(text);
        }
    }

    /// <summary>Erases the line so that other output starts on a clean line.</summary>
    public void Clear()
    {
        if (!_drawn) return;
        Console.Write("\r" + new string(' ', Math.Max(20, SafeWidth() - 1)) + "\r");
        _drawn = false;
    }

    private static string Format(TrainingProgress p, string unit)
    {
        var c = CultureInfo.InvariantCulture;
        string bar = "";
        string eta = "";
        if (p.Fraction is { } f)
        {
            f = Math.Clamp(f, 0, 1);
            int filled = (int)Math.Round(f * 20);
            bar = "[" + new string('#', filled) + new string('-', 20 - filled) + "] " + (f * 100).ToString("F0", c) + "% ";
            if (f > 0) eta = " | ETA " + TimeSpan.FromSeconds(p.WallSeconds * (1 - f) / f).ToString(@"m\:ss", c);
        }
        string val = p.ValidationLoss is { } v ? v.ToString("F3", c) : "-";
        return string.Create(c, $"{bar}step {p.Step} | {p.ExamplesPerSecond / 1000:F1}k {unit}/s | train {p.TrainLoss:F3} | val {val}{eta}");
    }

    private static int SafeWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 100;
        }
        catch (IOException)
        {
            return 100;
        }
    }
}
