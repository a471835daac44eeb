using System.Diagnostics;
using System.Globalization;
using RelationGraph.Persistence.BulkImport;

namespace RelationGraph.Benchmarks;

/// <summary>
/// A progress line on standard error for long phases (generating, importing, activating), redrawn at most twice a second;
/// <see cref="Complete"/> ends it. An import's stages (reading, then writing) each get their own line.
/// </summary>
internal sealed class ConsoleProgress(string phase, long total) : IProgress<ImportProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private long _done;
    private TimeSpan _drawnAt;
    private ImportStage? _stage;

    public void Report(long done)
    {
        lock (_lock)
        {
            _done = Math.Max(_done, done);
            if (_clock.Elapsed - _drawnAt >= TimeSpan.FromMilliseconds(500))
            {
                Draw();
            }
        }
    }

    /// <summary>Draws the final state and ends the line.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            Draw();
            Console.Error.WriteLine();
        }
    }

    void IProgress<ImportProgress>.Report(ImportProgress value)
    {
        lock (_lock)
        {
            if (value.Stage != _stage)
            {
                if (_stage is not null)
                {
                    Draw();
                    Console.Error.WriteLine();
                }

                (_stage, _done, _drawnAt) = (value.Stage, 0, TimeSpan.Zero);
                _clock.Restart();
            }
        }

        Report(value.Edges);
    }

    private void Draw()
    {
        _drawnAt = _clock.Elapsed;
        var rate = _done / Math.Max(_drawnAt.TotalSeconds, 0.001);
        var left = rate > 0 && _done < total ? TimeSpan.FromSeconds((total - _done) / rate).ToString(@"m\:ss", CultureInfo.InvariantCulture) : "-";
        Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r{phase}{(_stage is { } stage ? $" ({stage.ToString().ToLowerInvariant()})" : "")}: {(double)_done / Math.Max(total, 1),4:P0} {_done:N0}/{total:N0} {rate:N0}/s ETA {left}   "));
    }
}
