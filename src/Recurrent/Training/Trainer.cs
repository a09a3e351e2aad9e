using Recurrent.Data;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Recurrent.Autodiff;
using Recurrent.Layers;
using Recurrent.Optimizers;
using Recurrent.Serialization;

namespace Recurrent.Training;

/// <summary>
/// The training loop of every model: the char-LM, the task models, the lecture's experiments and a user's own module.
/// It takes a model, its loss on a batch, training and validation batches and <see cref="TrainerOptions"/>, and
/// runs minibatch gradient descent by backpropagation through time, as Keras's <c>fit</c> or PyTorch Lightning's
/// <c>Trainer</c> do.
/// </summary>
/// <remarks>
/// <para>
/// One step: reset the tape, seed its dropout generator from (seed, step), draw a batch, record the loss, back-propagate
/// it, clip the gradients' global norm, set the learning rate from the schedule, update. The run stops at its budget
/// (epochs, steps or training wall time), when the validation loss stops improving (<see cref="TrainerOptions.Patience"/>),
/// or when the <see cref="CancellationToken"/> fires, after the step under way.
/// </para>
/// <para>
/// Validation is the mean loss over a whole pass of the validation source, each batch weighted by its
/// <see cref="IBatch.Count"/>, with the model in evaluation mode (<see cref="Module{T}.Eval"/>: no dropout, nothing
/// saved for backward); its time is not counted as training time. Each validation appends a
/// <see cref="TrainingRecord"/> to the history (and to <see cref="TrainerOptions.MetricsFile"/>) and writes the
/// checkpoints.
/// </para>
/// <para>
/// A checkpoint is a model file (<c>Model.Load</c> reads it) plus the optimizer's state, the counters and the
/// state of the training source if it is <see cref="IResumable"/>; <see cref="Resume"/> followed by
/// <see cref="Fit"/> continues the run exactly: the same batches, dropout masks and learning rates, bit for bit.
/// </para>
/// <para>
/// With a <see cref="TrainerOptions.ProcessGroup"/> of more than one rank, training is data-parallel: see
/// "Data-parallel training" in docs/ARCHITECTURE.md and the file <c>Trainer.DataParallel.cs</c>.
/// </para>
/// </remarks>
/// <typeparam name="TBatch">The batch type of the model's loss.</typeparam>
public sealed partial class Trainer<TBatch> where TBatch : IBatch
{
    /// <summary>File name of the latest checkpoint in <see cref="TrainerOptions.CheckpointDirectory"/>.</summary>
    public const string LastCheckpoint = "last.safetensors";

    /// <summary>File name of the checkpoint with the best validation loss.</summary>
    public const string BestCheckpoint = "best.safetensors";

    private readonly Func<Tape<float>, TBatch, Variable<float>> _loss;
    private readonly Tape<float> _tape = new();
    private readonly Tape<float> _evaluationTape = new();
    private readonly IReadOnlyList<(string Name, Variable<float> Parameter)> _parameters;
    private readonly Stopwatch _clock = new();
    private readonly List<TrainingRecord> _history = [];
    private double _wallOffset, _lossSum;
    private long _lossCount, _stepsInPass;
    private int _sinceBest;
    private TrainingState? _pendingSourceState;

    /// <summary>Prepares training of <paramref name="model"/>.</summary>
    /// <param name="model">The model, with freshly initialised (or pre-trained) weights.</param>
    /// <param name="loss">Records the model's mean loss on a batch (a scalar): usually a method group, <c>model.Loss</c>.</param>
    /// <param name="options">The run's options; null for the defaults (Adam 1e-3, no budget: until cancelled).</param>
    public Trainer(Module<float> model, Func<Tape<float>, TBatch, Variable<float>> loss, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        Options = options ?? new TrainerOptions();
        Options.Validate();
        Model = model;
        _loss = loss;
        _parameters = model.NamedParameters();
        if (_parameters.Count == 0) throw new ArgumentException("The model has no parameters to train.", nameof(model));
        Optimizer = Options.CreateOptimizer(_parameters);
        if (Options.ProcessGroup is { Size: > 1 } group) (_group, _exchange) = (group, new GradientExchange(group, _parameters));
    }

    /// <summary>The model being trained.</summary>
    public Module<float> Model { get; }

    /// <summary>The run's options.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The optimizer the options describe.</summary>
    public Optimizer<float> Optimizer { get; }

    /// <summary>Optimiser steps so far.</summary>
    public long Step { get; private set; }

    /// <summary>Completed passes over the training data.</summary>
    public int Epoch { get; private set; }

    /// <summary>Training examples seen so far (the sum of the batches' counts).</summary>
    public long Examples { get; private set; }

    /// <summary>Training wall time so far, validation excluded.</summary>
    public double WallSeconds => _wallOffset + _clock.Elapsed.TotalSeconds;

    /// <summary>Steps skipped so far because their loss or a gradient was not finite (<see cref="TrainerOptions.SkipNonFinite"/>).</summary>
    public int SkippedSteps { get; private set; }

    /// <summary>The best validation loss so far, or null before the first validation.</summary>
    public double? BestValidationLoss { get; private set; }

    /// <summary>Every record of this trainer's runs, in order (for a resumed run, from the resume on).</summary>
    public IReadOnlyList<TrainingRecord> History => _history;

    /// <summary>
    /// Trains until the budget is spent, the validation loss stops improving, or <paramref name="cancellationToken"/>
    /// fires. Puts the model in training mode.
    /// </summary>
    /// <param name="training">The training batches.</param>
    /// <param name="validation">The validation batches, read in whole at each validation; null for none.</param>
    /// <param name="progress">
    /// Told after steps (at most every <see cref="TrainerOptions.ProgressInterval"/>) and after every validation. It is
    /// called on the training thread; <see cref="Progress{T}"/> forwards it to its synchronisation context.
    /// </param>
    /// <param name="cancellationToken">Stops the run after the current step; the last checkpoint is still written.</param>
    /// <returns>Why the run stopped, and its history.</returns>
    public TrainingResult Fit(IBatchSource<TBatch> training, IBatchSource<TBatch>? validation = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        using var threads = Options.MaxThreads is { } n ? Tensors.Threads.Limit(n) : default;
        _cancellation = cancellationToken;
        if (!IsWriter) progress = null;
        if (_pendingSourceState is { } pending)
        {
            if (training is IResumable resumable) resumable.LoadState(pending);
            _pendingSourceState = null;
        }
        if (Options.CheckpointDirectory is { } directory && IsWriter) Directory.CreateDirectory(directory);
        using var directoryLock = Options is { CheckpointDirectory: { } locked, LockCheckpointDirectory: true } && IsWriter ? RunDirectoryLock.Acquire(locked) : null;
        if (Options.CheckpointDirectory is { } run && IsWriter) RemoveUnfinishedWrites(run);
        _exchange?.Start(Step, cancellationToken.IsCancellationRequested, WallSeconds);
        Model.Train();
        var reporting = Stopwatch.StartNew();
        double lastValidationTime = DecisionSeconds;
        long lastValidationStep = Step, lastCheckpointStep = Step;
        bool endedLastCall = false;
        int startedRecords = _history.Count;
        var reason = StopReason.Budget;
        while (true)
        {
            if (_exchange is null ? cancellationToken.IsCancellationRequested : _exchange.Cancelled)
            {
                reason = StopReason.Cancelled;
                break;
            }
            if (BudgetSpent(training)) break;
            if (_lossCount > 0 && ValidationDue(lastValidationTime, lastValidationStep))
            {
                Validate(training, validation, progress);
                (lastValidationTime, lastValidationStep) = (DecisionSeconds, Step);
                if (StopEarly())
                {
                    reason = StopReason.EarlyStopping;
                    break;
                }
            }

            _clock.Start();
            bool got = training.TryNext(out var batch);
            if (got) TrainStep(batch!);
            _clock.Stop();
            if (!got)
            {
                // Two ends in a row: a whole pass without a batch. (One end first is fine: a resumed run may stand at a pass's end.)
                if (endedLastCall) throw new InvalidOperationException("The training source ended a pass without producing a batch; it holds no data.");
                endedLastCall = true;
                Epoch++;
                _stepsInPass = 0;
                if (Options.ValidateEvery is null && Options.ValidateEverySteps is null && _lossCount > 0)
                {
                    Validate(training, validation, progress);
                    (lastValidationTime, lastValidationStep) = (DecisionSeconds, Step);
                    if (StopEarly())
                    {
                        reason = StopReason.EarlyStopping;
                        break;
                    }
                }
                continue;
            }
            endedLastCall = false;
            if (progress is not null && reporting.Elapsed >= Options.ProgressInterval)
            {
                progress.Report(Progress(null, training));
                reporting.Restart();
            }
            if (Options.CheckpointEverySteps is { } every && Step - lastCheckpointStep >= every && Options.CheckpointDirectory is not null)
            {
                if (IsWriter) SaveCheckpoint(Path.Combine(Options.CheckpointDirectory, LastCheckpoint), training);
                lastCheckpointStep = Step;
            }
        }
        if (_lossCount > 0 || _history.Count == startedRecords) Validate(training, validation, progress);
        else if (Options.CheckpointDirectory is { } dir && IsWriter) SaveCheckpoint(Path.Combine(dir, LastCheckpoint), training);
        return new TrainingResult(reason, Step, Epoch, WallSeconds, BestValidationLoss, _history.Skip(startedRecords).ToArray());
    }

    /// <summary>
    /// The mean loss over one whole pass of <paramref name="data"/>, each batch weighted by its count, in evaluation
    /// mode (no dropout, nothing saved for backward; the model's mode is restored afterwards). It runs on this process
    /// alone, even in data-parallel training (where <see cref="Fit"/>'s validations share the batches among the ranks).
    /// </summary>
    /// <param name="data">A finite source; it is read until it ends a pass.</param>
    /// <returns>Σ count·loss / Σ count.</returns>
    public double Evaluate(IBatchSource<TBatch> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var threads = Options.MaxThreads is { } n ? Tensors.Threads.Limit(n) : default;
        return Evaluation.MeanLoss(Model, _loss, data, _evaluationTape);
    }

    /// <summary>
    /// Restores a run from a checkpoint this trainer's options wrote (weights, optimizer, counters); the next
    /// <see cref="Fit"/> restores its training source and continues exactly where the checkpoint was written.
    /// </summary>
    /// <param name="path">Usually <see cref="LastCheckpoint"/> in the run's directory.</param>
    /// <exception cref="InvalidDataException">The file is damaged, is not a training checkpoint, or belongs to another model.</exception>
    public void Resume(string path)
    {
        var checkpoint = Checkpoint<float>.Load(path);
        string name = Path.GetFileName(path);
        if (checkpoint.Optimizer is null || checkpoint.State is null)
        {
            throw new InvalidDataException($"{name}: a model file without training state; load its weights with LoadWeights, or resume from a trainer's {LastCheckpoint}.");
        }
        if (Model.Describe() is { } own && checkpoint.Model is { } saved && saved.Kind != own.Kind)
        {
            throw new InvalidDataException($"{name}: the checkpoint holds a '{saved.Kind}' model; this trainer trains a '{own.Kind}'.");
        }
        // Every counter is read and checked before anything changes, so a bad file leaves the trainer as it was.
        var state = checkpoint.State;
        int epoch, sinceBest, skipped;
        long examples, stepsInPass;
        double wall;
        double? bestLoss;
        try
        {
            (epoch, sinceBest, skipped) = (Counter(state, "epoch"), Counter(state, "since_best"), Counter(state, "skipped"));
            (examples, stepsInPass) = (NonNegative(state, "examples"), NonNegative(state, "steps_in_pass"));
            wall = ReadDouble(state, "wall_s");
            bestLoss = state.Values.ContainsKey("best_val_loss") ? ReadDouble(state, "best_val_loss") : null;
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{name}: {e.Message}", e);
        }
        checkpoint.Restore(Model, Optimizer);
        (Step, Epoch, Examples, _stepsInPass, _sinceBest, SkippedSteps) = (checkpoint.Step, epoch, examples, stepsInPass, sinceBest, skipped);
        (_wallOffset, BestValidationLoss) = (wall, bestLoss);
        _clock.Reset();
        (_lossSum, _lossCount) = (0, 0);
        _pendingSourceState = state;
    }

    /// <summary>Writes a checkpoint of the run as it stands (atomically).</summary>
    /// <param name="path">The file.</param>
    /// <param name="training">The training source, whose state is saved if it is <see cref="IResumable"/>; null to save none.</param>
    public void SaveCheckpoint(string path, IBatchSource<TBatch>? training = null)
    {
        var state = new TrainingState();
        state.Set("epoch", Epoch);
        state.Set("examples", Examples);
        state.Set("steps_in_pass", _stepsInPass);
        state.Set("since_best", _sinceBest);
        state.Set("skipped", SkippedSteps);
        state.Values["wall_s"] = WallSeconds.ToString("R", CultureInfo.InvariantCulture);
        if (BestValidationLoss is { } best) state.Values["best_val_loss"] = best.ToString("R", CultureInfo.InvariantCulture);
        if (training is IResumable resumable) resumable.SaveState(state);
        var checkpoint = new Checkpoint<float>(Model.StateDict(), Optimizer.StateDict()) { Model = Model.Describe(), Step = Step, State = state };
        checkpoint.Save(path);
    }

    /// <summary>The learning rate of step <paramref name="step"/> under the options' schedule.</summary>
    /// <param name="step">Updates made so far.</param>
    /// <param name="fraction">The share of the budget spent, in [0, 1], for <see cref="ScheduleKind.Cosine"/>.</param>
    /// <returns>η.</returns>
    public double LearningRateAt(long step, double fraction)
    {
        if (Options.CustomSchedule is { } custom) return custom.At(step);
        double peak = Options.LearningRate;
        if (Options.Schedule == ScheduleKind.Constant) return peak;
        return WarmupCosineSchedule.Rate(peak, Options.MinLearningRate ?? peak / 10, step, Options.WarmupSteps, fraction);
    }

    /// <summary>
    /// One optimiser step on <paramref name="batch"/>, as <see cref="Fit"/> takes it: for custom loops and benchmarks.
    /// The model must be in training mode. With a <see cref="TrainerOptions.ProcessGroup"/> of more than one rank it is
    /// collective: every rank calls it with the same batch, and it trains on this rank's shard.
    /// </summary>
    /// <param name="batch">The batch.</param>
    /// <returns>The batch's loss before the update.</returns>
    /// <exception cref="InvalidOperationException">The loss is not finite (training diverged).</exception>
    public double TrainStep(TBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_exchange is not null) return DataParallelStep(batch, _exchange);
        _tape.Reset();
        _tape.Random.Reseed(Options.Seed ^ (0x9E37_79B9_7F4A_7C15UL * (ulong)(Step + 1)));
        Model.ZeroGrad();
        var loss = _loss(_tape, batch);
        float value = loss.Value[0];
        if (float.IsFinite(value)) _tape.Backward(loss);
        return Update(value, batch.Count);
    }

    /// <summary>
    /// The end of a step, once the gradients of the batch's mean loss <paramref name="value"/> are in place: skip it
    /// (or stop the run) if the loss or a gradient is not finite, else clip, set the learning rate and update.
    /// </summary>
    private float Update(float value, int count)
    {
        string? bad = float.IsFinite(value) ? FirstNonFiniteGradient() : null;
        if (!float.IsFinite(value) || bad is not null)
        {
            // Nothing is updated: the weights, the optimizer and every checkpoint stay as the last good step left them.
            string what = bad is null ? $"the loss is {value}" : $"the gradient of {bad} is not finite";
            if (SkippedSteps >= Options.SkipNonFinite)
            {
                throw new TrainingDivergedException(Step, bad,
                    $"Training diverged at step {Step}: {what}. The last good checkpoint is kept; lower the learning rate, clip the gradients (ClipNorm), or allow skipped steps (SkipNonFinite).");
            }
            SkippedSteps++;
            Model.ZeroGrad();
        }
        else
        {
            if (Options.ClipNorm > 0) GradientClipping.ClipByGlobalNorm(_parameters, Options.ClipNorm);
            Optimizer.LearningRate = LearningRateAt(Step, _fraction);
            Optimizer.Step();
            _lossSum += (double)value * count;
            _lossCount += count;
        }
        Examples += count;
        Step++;
        _stepsInPass++;
        return value;
    }

    private double _fraction;

    /// <summary>The first parameter, in the model's order, whose gradient holds a NaN or an infinity; null if none does.</summary>
    private string? FirstNonFiniteGradient()
    {
        // An indexed loop: foreach over the interface would allocate an enumerator at every step.
        for (int i = 0; i < _parameters.Count; i++)
        {
            var (name, parameter) = _parameters[i];
            // MaxMagnitude is NaN if any element is, +∞ if any is infinite: one vectorised pass decides.
            if (parameter.Grad is { } grad && !float.IsFinite(TensorPrimitives.MaxMagnitude(grad.Span))) return name;
        }
        return null;
    }

    private bool BudgetSpent(IBatchSource<TBatch> training)
    {
        _fraction = BudgetFraction(training) ?? 0;
        return (Options.Steps is { } steps && Step >= steps)
            || (Options.Epochs is { } epochs && Epoch >= epochs)
            || (Options.Duration is { } duration && DecisionSeconds >= duration.TotalSeconds);
    }

    private double? BudgetFraction(IBatchSource<TBatch> training)
    {
        double? fraction = null;
        if (Options.Steps is { } steps) fraction = (double)Step / steps;
        if (Options.Duration is { } duration) fraction = Math.Max(fraction ?? 0, DecisionSeconds / duration.TotalSeconds);
        if (Options.Epochs is { } epochs)
        {
            double pass = training.BatchesPerPass is { } perPass and > 0 ? Math.Min(1, (double)_stepsInPass / perPass) : 0;
            fraction = Math.Max(fraction ?? 0, (Epoch + pass) / epochs);
        }
        return fraction;
    }

    private bool ValidationDue(double lastTime, long lastStep) =>
        (Options.ValidateEvery is { } every && DecisionSeconds - lastTime >= every.TotalSeconds)
        || (Options.ValidateEverySteps is { } steps && Step - lastStep >= steps);

    private bool StopEarly() => Options.Patience > 0 && _sinceBest >= Options.Patience;

    private void Validate(IBatchSource<TBatch> training, IBatchSource<TBatch>? validation, IProgress<TrainingProgress>? progress)
    {
        double trainLoss = _lossCount > 0 ? _lossSum / _lossCount : double.NaN;
        double? validationLoss = validation is null ? null : _exchange is null ? Evaluate(validation) : EvaluateShare(validation);
        if (validationLoss is { } checkedLoss && !double.IsFinite(checkedLoss))
        {
            // A model that scores NaN is never written, so neither last nor best can hold it.
            throw new TrainingDivergedException(Step, null,
                $"Training diverged at step {Step}: the validation loss is {checkedLoss}. The last good checkpoint is kept; lower the learning rate or clip the gradients (ClipNorm).");
        }
        var record = new TrainingRecord(Math.Round(WallSeconds, 3), Step, Epoch, Examples, trainLoss, validationLoss, Optimizer.LearningRate);
        _history.Add(record);
        (_lossSum, _lossCount) = (0, 0);
        bool improved = validationLoss is { } v && (BestValidationLoss is not { } best || v < best);
        if (improved)
        {
            BestValidationLoss = validationLoss;
            _sinceBest = 0;
        }
        else if (validationLoss is not null)
        {
            _sinceBest++;
        }
        // The record goes out before the checkpoint: a run killed between the two redoes this validation when resumed
        // and writes the same record again, rather than leaving a checkpoint whose record is missing.
        if (Options.MetricsFile is { } metrics && IsWriter)
        {
            AppendLine(metrics, record.ToJson());
        }
        if (Options.CheckpointDirectory is { } directory && IsWriter)
        {
            SaveCheckpoint(Path.Combine(directory, LastCheckpoint), training);
            if (improved) SaveCheckpoint(Path.Combine(directory, BestCheckpoint), training);
        }
        progress?.Report(Progress(record, training));
    }

    /// <summary>
    /// Deletes the temporary files of checkpoint writes that a killed run left unfinished (<c>.last.safetensors.*.tmp</c>);
    /// the run directory is this run's alone now, so no write of another run can be under way.
    /// </summary>
    private static void RemoveUnfinishedWrites(string directory)
    {
        if (!Directory.Exists(directory)) return;
        foreach (string name in new[] { LastCheckpoint, BestCheckpoint })
        {
            foreach (string stale in Directory.EnumerateFiles(directory, $".{name}.*.tmp")) File.Delete(stale);
        }
    }

    /// <summary>Appends a line, first ending a line that a killed run left unfinished, so that every record stays whole.</summary>
    private static void AppendLine(string path, string line)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        bool torn = false;
        if (file.Length > 0)
        {
            file.Seek(-1, SeekOrigin.End);
            torn = file.ReadByte() != '\n';
        }
        file.Seek(0, SeekOrigin.End);
        byte[] bytes = new UTF8Encoding(false).GetBytes((torn ? "\n" : "") + line + "\n");
        file.Write(bytes);
    }

    private TrainingProgress Progress(TrainingRecord? validation, IBatchSource<TBatch> training) =>
        new(Step, Epoch, WallSeconds, Examples / Math.Max(WallSeconds, 1e-9), _lossCount > 0 ? _lossSum / _lossCount : validation?.TrainLoss ?? double.NaN,
            _history.Count > 0 ? _history[^1].ValidationLoss : null, BudgetFraction(training), validation);

    private static int Counter(TrainingState state, string key) =>
        state.GetInt64(key) is >= 0 and <= int.MaxValue and var n ? (int)n : throw new InvalidDataException($"training state '{key}' is {state.GetInt64(key)}; expected a count in [0, {int.MaxValue}].");

    private static long NonNegative(TrainingState state, string key) =>
        state.GetInt64(key) is >= 0 and var n ? n : throw new InvalidDataException($"training state '{key}' is {state.GetInt64(key)}; expected 0 or more.");

    private static double ReadDouble(TrainingState state, string key) =>
        state.Values.TryGetValue(key, out string? text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) ? value
        : throw new InvalidDataException($"training state '{key}' is missing or not a finite number.");
}
