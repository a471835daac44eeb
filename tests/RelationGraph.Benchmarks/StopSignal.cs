using System.Runtime.InteropServices;

namespace RelationGraph.Benchmarks;

/// <summary>
/// The first SIGINT or SIGTERM cancels <see cref="Token"/>, so the running scenario unwinds through its
/// <c>finally</c> blocks and stops its silo process and PostgreSQL; a second one kills the silo processes and lets
/// the signal end the benchmark at once.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;

    public StopSignal()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        if (_stop.IsCancellationRequested)
        {
            Testing.SiloProcess.KillAll();
            return;
        }

        context.Cancel = true;
        Console.Error.WriteLine();
        Console.Error.WriteLine("stopping: cleaning up (signal again to abort at once)");
        _stop.Cancel();
    }
}
