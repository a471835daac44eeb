using System.Diagnostics;

namespace RelationGraph.Benchmarks;

/// <summary>
/// CPU time spent while a piece of work ran: by the whole machine (from <c>/proc/stat</c>, so PostgreSQL's backends
/// count too) and by this process (the client and the in-process silo); and the bytes this process allocated meanwhile,
/// which unlike CPU time do not vary with the machine's speed. On a machine without <c>/proc/stat</c> the machine figure
/// is NaN.
/// </summary>
internal sealed class CpuMeter
{
    private static readonly double SecondsPerTick = 1.0 / 100; // USER_HZ, 100 on every Linux build .NET supports

    private readonly double _machineStart = MachineBusySeconds();
    private readonly TimeSpan _processStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly long _allocatedStart = GC.GetTotalAllocatedBytes();

    /// <summary>The CPU used since this meter was made.</summary>
    public CpuUsage Read() => new(
        MachineBusySeconds() - _machineStart,
        (Process.GetCurrentProcess().TotalProcessorTime - _processStart).TotalSeconds,
        GC.GetTotalAllocatedBytes() - _allocatedStart);

    private static double MachineBusySeconds()
    {
        const string stat = "/proc/stat";
        if (!File.Exists(stat))
        {
            return double.NaN;
        }

        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice": busy is user, nice, system, irq and
        // softirq (guest time is already in user; idle, iowait and steal are not this machine's work).
        var fields = File.ReadLines(stat).First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6]) * SecondsPerTick;
    }
}

/// <summary>CPU seconds used by the whole machine and by this process, and the bytes this process allocated.</summary>
internal readonly record struct CpuUsage(double MachineSeconds, double ProcessSeconds, long AllocatedBytes)
{
    public static CpuUsage operator +(CpuUsage a, CpuUsage b) =>
        new(a.MachineSeconds + b.MachineSeconds, a.ProcessSeconds + b.ProcessSeconds, a.AllocatedBytes + b.AllocatedBytes);

    /// <summary>Microseconds of machine CPU per unit of work.</summary>
    public double MachineMicrosecondsPer(long count) => count == 0 ? double.NaN : MachineSeconds * 1e6 / count;

    /// <summary>Microseconds of this process's CPU per unit of work.</summary>
    public double ProcessMicrosecondsPer(long count) => count == 0 ? double.NaN : ProcessSeconds * 1e6 / count;

    /// <summary>Bytes this process allocated per unit of work.</summary>
    public double AllocatedBytesPer(long count) => count == 0 ? double.NaN : (double)AllocatedBytes / count;
}
