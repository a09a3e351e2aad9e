using System.Diagnostics;
using System.Globalization;
using Recurrent.Autodiff;
using Recurrent.Data.Text;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Serialization;
using Recurrent.Tensors;

namespace Recurrent.Training;

/// <summary>
/// Trains a <see cref="CharLanguageModel{T}"/> on a <see cref="CharCorpus"/>: Adam(W) on the mean cross-entropy of the
/// next character, gradient-norm clipping, a learning-rate schedule, random windows or truncated BPTT over
/// contiguous streams, periodic validation over the whole validation split, early stopping, and checkpoints from
/// which a run resumes bit for bit.
/// </summary>
/// <remarks>
/// <para>
/// One step: draw B windows of T+1 characters; forward the model (from the carried state in stream mode); back-propagate
/// the loss; clip the gradients' global norm; set the learning rate; update. The dropout masks of step n come from the
/// tape's generator reseeded from (seed, n), and the windows from a generator seeded from the seed, so the whole run
/// follows from one seed, and a checkpoint (weights, optimizer moments, generator states, stream positions, carried
/// state) resumes it exactly.
/// </para>
/// <para>
/// Wall time counts training only; validation pauses the clock. In <see cref="OutputDirectory"/>, <c>last.safetensors</c>
/// is written at every validation and when the run stops (including on cancellation), and <c>best.safetensors</c> whenever
/// the validation loss improves; both atomically.
/// </para>
/// </remarks>
public sealed class CharLmTrainer
{
    /// <summary>File name of the checkpoint with the best validation loss.</summary>
    public const string BestCheckpoint = "best.safetensors";

    /// <summary>File name of the latest checkpoint.</summary>
    public const string LastCheckpoint = "last.safetensors";

    private readonly CharCorpus _corpus;
    private readonly CharLmTrainingOptions _options;
    private readonly Optimizer<float> _optimizer;
    private readonly IReadOnlyList<(string Name, Variable<float> Parameter)> _parameters;
    private readonly Tape<float> _tape = new();
    private readonly RandomWindowBatcher? _random;
    private readonly StreamBatcher? _stream;
    private readonly ValidationWindowBatcher _validation;
    private readonly CharLmEvaluator _evaluator = new();
    private readonly int[] _inputs, _targets;
    private readonly Variable<float>[]? _carry;
    private readonly Stopwatch _clock = new();
    private double _wallOffset, _lossSum;
    private long _lossCount;
    private int _sinceBest;

    /// <summary>Prepares a new run of <paramref name="model"/> on <paramref name="corpus"/>.</summary>
    /// <param name="model">The model, freshly initialised from the run's seed.</param>
    /// <param name="corpus">The corpus; its vocabulary must have the model's size.</param>
    /// <param name="options">The run's options.</param>
    public CharLmTrainer(CharLanguageModel<float> model, CharCorpus corpus, CharLmTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (corpus.Vocabulary.Count != model.Config.VocabularySize)
        {
            throw new ArgumentException($"The corpus has {corpus.Vocabulary.Count} symbols; the model expects VocabularySize = {model.Config.VocabularySize}.", nameof(corpus));
        }
        Model = model;
        _corpus = corpus;
        _options = options;
        _parameters = model.NamedParameters();
        _optimizer = options.WeightDecay > 0
            ? new AdamW<float>(_parameters, new AdamOptions { LearningRate = options.LearningRate, WeightDecay = options.WeightDecay })
            : new Adam<float>(_parameters, new AdamOptions { LearningRate = options.LearningRate });
        int b = options.Batch, t = options.Window;
        if (options.Sampling == WindowSampling.Stream)
        {
            _stream = new StreamBatcher(corpus, b, t);
            _carry = model.Rnn.State.Select(s => new Variable<float>(new Tensor<float>(model.Config.Rnn.Layers, b, s.Size))).ToArray();
        }
        else
        {
            _random = new RandomWindowBatcher(corpus, b, t, new Rng(options.Seed ^ 0x5A5A_1234_ABCD_0001UL));
        }
        _validation = new ValidationWindowBatcher(corpus, options.EvalBatch, t);
        _inputs = new int[b * t];
        _targets = new int[b * t];
    }

    /// <summary>The model being trained.</summary>
    public CharLanguageModel<float> Model { get; }

    /// <summary>Where checkpoints go, or null for none.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Called after every step.</summary>
    public Action<TrainingProgress>? StepCompleted { get; set; }

    /// <summary>Called after every validation (and its checkpoints).</summary>
    public Action<ValidationRecord>? Validated { get; set; }

    /// <summary>Optimiser steps so far.</summary>
    public long Step { get; private set; }

    /// <summary>Training characters predicted so far.</summary>
    public long Characters { get; private set; }

    /// <summary>Training wall time so far, validation excluded.</summary>
    public double WallSeconds => _wallOffset + _clock.Elapsed.TotalSeconds;

    /// <summary>The best validation loss so far (∞ before the first validation).</summary>
    public double BestValidationLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>Every validation of the run, in order (for a resumed run, from the resume on).</summary>
    public List<ValidationRecord> History { get; } = [];

    /// <summary>
    /// Continues a run from a checkpoint, with the options saved in it; <paramref name="minutes"/> and
    /// <paramref name="steps"/>, when given, replace its budget.
    /// </summary>
    /// <param name="path">The checkpoint (usually <see cref="LastCheckpoint"/>).</param>
    /// <param name="corpus">The corpus, loaded with the checkpoint's vocabulary.</param>
    /// <param name="minutes">A new total time budget, or null to keep the saved one.</param>
    /// <param name="steps">A new total step budget, or null to keep the saved one.</param>
    /// <returns>A trainer positioned exactly where the checkpoint was written.</returns>
    public static CharLmTrainer Resume(string path, CharCorpus corpus, double? minutes = null, long? steps = null)
    {
        var checkpoint = Checkpoint<float>.Load(path);
        if (!checkpoint.Metadata.TryGetValue("options", out string? json))
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: the checkpoint has no training options to resume with.");
        }
        CharLmTrainingOptions options;
        try
        {
            options = CharLmTrainingOptions.FromJson(json);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: {e.Message}", e);
        }
        if (minutes is not null || steps is not null) options = options with { Minutes = minutes, Steps = steps };
        return Resume(path, corpus, options);
    }

    /// <summary>Continues a run from a checkpoint written by a trainer with the same options.</summary>
    /// <param name="path">The checkpoint (usually <see cref="LastCheckpoint"/>).</param>
    /// <param name="corpus">The corpus, loaded with the checkpoint's vocabulary.</param>
    /// <param name="options">The run's options (the same as when it started, except the budget).</param>
    /// <returns>A trainer positioned exactly where the checkpoint was written.</returns>
    public static CharLmTrainer Resume(string path, CharCorpus corpus, CharLmTrainingOptions options)
    {
        var (checkpoint, model, vocabulary) = CharLmCheckpoint.Load(path);
        if (!vocabulary.Equals(corpus.Vocabulary))
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: the checkpoint's vocabulary ({vocabulary.Count} symbols) differs from the corpus's ({corpus.Vocabulary.Count}).");
        }
        var trainer = new CharLmTrainer(model, corpus, options) { OutputDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) };
        trainer.Restore(checkpoint);
        return trainer;
    }

    /// <summary>Trains until the budget is spent, the validation loss stops improving, or <paramref name="cancellation"/> fires.</summary>
    /// <param name="cancellation">Stops the run after the current step; a checkpoint is saved.</param>
    /// <returns>How the run ended.</returns>
    public TrainingOutcome Run(CancellationToken cancellation = default)
    {
        double lastEval = WallSeconds;
        StopReason reason = StopReason.Budget;
        ValidationRecord? last = null;
        while (true)
        {
            if (cancellation.IsCancellationRequested)
            {
                reason = StopReason.Interrupted;
                break;
            }
            if (BudgetSpent()) break;
            if (WallSeconds - lastEval >= _options.EvalEverySeconds && _lossCount > 0)
            {
                last = Validate();
                lastEval = WallSeconds;
                if (_options.Patience > 0 && _sinceBest >= _options.Patience)
                {
                    reason = StopReason.EarlyStopping;
                    break;
                }
            }
            _clock.Start();
            TrainStep();
            _clock.Stop();
            StepCompleted?.Invoke(new TrainingProgress(Step, WallSeconds, Characters / Math.Max(WallSeconds, 1e-9),
                _lossSum / Math.Max(1, _lossCount), History.Count > 0 ? History[^1].ValidationLoss : null, BudgetFraction()));
        }
        if (last is null || _lossCount > 0) last = Validate();
        return new TrainingOutcome(reason, last, BestValidationLoss);
    }

    /// <summary>One optimiser step on the next windows.</summary>
    public void TrainStep()
    {
        int b = _options.Batch;
        _tape.Reset();
        _tape.Random.Reseed(_options.Seed ^ (0x9E37_79B9_7F4A_7C15UL * (ulong)(Step + 1)));
        if (_stream is not null)
        {
            if (_stream.StartsStreams) foreach (var c in _carry!) c.Value.Clear();
            _stream.Next(_inputs, _targets);
        }
        else
        {
            _random!.Next(_inputs, _targets);
        }
        _optimizer.ZeroGrad();
        var (loss, final) = Model.Loss(_tape, _inputs, _targets, b, _carry);
        if (!float.IsFinite(loss.Value[0]))
        {
            throw new InvalidOperationException($"Training diverged at step {Step}: the loss is {loss.Value[0]}. Lower the learning rate or the clipping norm.");
        }
        _tape.Backward(loss);
        if (_options.Clip > 0) GradientClipping.ClipByGlobalNorm(_parameters, _options.Clip);
        _optimizer.LearningRate = LearningRateAt(Step);
        _optimizer.Step();
        if (_carry is not null)
        {
            for (int c = 0; c < _carry.Length; c++) final[c].Value.Span.CopyTo(_carry[c].Value.Span);
        }
        _lossSum += loss.Value[0];
        _lossCount++;
        Step++;
        Characters += (long)b * _options.Window;
    }

    /// <summary>Mean cross-entropy over the whole validation split, in nats per character.</summary>
    /// <returns>The loss.</returns>
    public double ValidationLoss() => _evaluator.Evaluate(Model, _validation);

    /// <summary>The learning rate of step <paramref name="step"/> under the run's schedule.</summary>
    /// <param name="step">The step (0-based).</param>
    /// <returns>The rate.</returns>
    public double LearningRateAt(long step)
    {
        double peak = _options.LearningRate;
        if (_options.Schedule == ScheduleKind.Constant) return peak;
        if (step < _options.WarmupSteps) return peak * (step + 1) / _options.WarmupSteps;
        double p = Math.Clamp(BudgetFraction() ?? 0, 0, 1);
        double floor = peak / 10;
        return floor + (peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * p));
    }

    private ValidationRecord Validate()
    {
        double trainLoss = _lossCount > 0 ? _lossSum / _lossCount : double.NaN;
        double valLoss = ValidationLoss();
        var record = new ValidationRecord(Math.Round(WallSeconds, 3), Step, Characters, trainLoss, valLoss);
        History.Add(record);
        _lossSum = 0;
        _lossCount = 0;
        bool improved = valLoss < BestValidationLoss;
        if (improved)
        {
            BestValidationLoss = valLoss;
            _sinceBest = 0;
        }
        else
        {
            _sinceBest++;
        }
        if (OutputDirectory is not null)
        {
            Directory.CreateDirectory(OutputDirectory);
            var checkpoint = CreateCheckpoint();
            checkpoint.Save(Path.Combine(OutputDirectory, LastCheckpoint));
            if (improved) checkpoint.Save(Path.Combine(OutputDirectory, BestCheckpoint));
        }
        Validated?.Invoke(record);
        return record;
    }

    /// <summary>The run's complete state: weights, optimizer, generators, positions, carried state, counters.</summary>
    /// <returns>A checkpoint to save.</returns>
    public Checkpoint<float> CreateCheckpoint()
    {
        Dictionary<string, Tensor<float>>? carry = null;
        if (_carry is not null)
        {
            carry = [];
            for (int c = 0; c < _carry.Length; c++) carry[CharLmCheckpoint.CarryPrefix + Model.Rnn.State[c].Name] = _carry[c].Value;
        }
        var checkpoint = CharLmCheckpoint.Create(Model, _corpus.Vocabulary, carry, _optimizer.StateDict());
        checkpoint.Step = Step;
        if (_random is not null) checkpoint.RngStates["windows"] = _random.Rng.State;
        checkpoint.Metadata["corpus"] = _corpus.Name;
        checkpoint.Metadata["val_fraction"] = _corpus.ValidationFraction.ToString("R", CultureInfo.InvariantCulture);
        checkpoint.Metadata["chars"] = Characters.ToString(CultureInfo.InvariantCulture);
        checkpoint.Metadata["wall_s"] = WallSeconds.ToString("R", CultureInfo.InvariantCulture);
        checkpoint.Metadata["best_val_loss"] = BestValidationLoss.ToString("R", CultureInfo.InvariantCulture);
        checkpoint.Metadata["since_best"] = _sinceBest.ToString(CultureInfo.InvariantCulture);
        checkpoint.Metadata["sampling"] = _options.Sampling.ToString();
        checkpoint.Metadata["options"] = _options.ToJson();
        if (_stream is not null) checkpoint.Metadata["stream_position"] = _stream.Position.ToString(CultureInfo.InvariantCulture);
        return checkpoint;
    }

    private void Restore(Checkpoint<float> checkpoint)
    {
        string name = Path.GetFileName(checkpoint.Source ?? "checkpoint");
        string sampling = checkpoint.Metadata.GetValueOrDefault("sampling") ?? "";
        if (sampling != _options.Sampling.ToString())
        {
            throw new InvalidDataException($"{name}: the run used {sampling} windows; resume it with the same sampling, not {_options.Sampling}.");
        }
        var targets = _parameters.ToList();
        if (_carry is not null)
        {
            for (int c = 0; c < _carry.Length; c++) targets.Add((CharLmCheckpoint.CarryPrefix + Model.Rnn.State[c].Name, _carry[c]));
        }
        checkpoint.Restore(targets, _optimizer);
        Step = checkpoint.Step;
        Characters = ReadLong(checkpoint, "chars");
        _wallOffset = ReadDouble(checkpoint, "wall_s");
        BestValidationLoss = ReadDouble(checkpoint, "best_val_loss");
        _sinceBest = (int)ReadLong(checkpoint, "since_best");
        if (_random is not null)
        {
            if (!checkpoint.RngStates.TryGetValue("windows", out var state)) throw new InvalidDataException($"{name}: the window generator's state is missing.");
            _random.Rng.State = state;
        }
        if (_stream is not null) _stream.Position = ReadLong(checkpoint, "stream_position");
    }

    private static long ReadLong(Checkpoint<float> c, string key) =>
        c.Metadata.TryGetValue(key, out string? v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n
        : throw new InvalidDataException($"{Path.GetFileName(c.Source ?? "checkpoint")}: metadata '{key}' is missing or not an integer.");

    private static double ReadDouble(Checkpoint<float> c, string key) =>
        c.Metadata.TryGetValue(key, out string? v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? x
        : throw new InvalidDataException($"{Path.GetFileName(c.Source ?? "checkpoint")}: metadata '{key}' is missing or not a number.");

    private bool BudgetSpent() =>
        (_options.Steps is { } steps && Step >= steps) || (_options.Minutes is { } minutes && WallSeconds >= minutes * 60);

    private double? BudgetFraction()
    {
        double? bySteps = _options.Steps is { } s ? (double)Step / s : null;
        double? byTime = _options.Minutes is { } m ? WallSeconds / (m * 60) : null;
        return (bySteps, byTime) switch
        {
            (null, null) => null,
            ({ } a, null) => a,
            (null, { } b) => b,
            ({ } a, { } b) => Math.Max(a, b),
        };
    }
}
