using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RelationGraph.Persistence.BulkImport;

/// <summary>
/// One shard's rows of one direction, sorted in bounded memory: a full buffer is sorted and spilled to a temporary file
/// as a run, and reading merges the runs in primary-key order, keeping only the newest row of each pair.
/// </summary>
internal sealed class SortedEdgeRuns(int bufferRows) : IDisposable
{
    private const int ReadChunkRows = 8_192;
    private readonly List<FileStream> _runs = [];
    private ImportRow[] _buffer = new ImportRow[Math.Min(bufferRows, 1_024)];
    private int _count;
    private long _consumed;

    /// <summary>Rows the reader has passed, repeats included.</summary>
    public long Consumed => Volatile.Read(ref _consumed);

    public void Add(ImportRow row)
    {
        if (_count == _buffer.Length)
        {
            if (_buffer.Length < bufferRows)
            {
                Array.Resize(ref _buffer, Math.Min(bufferRows, _buffer.Length * 2));
            }
            else
            {
                Spill();
            }
        }

        _buffer[_count++] = row;
    }

    /// <summary>All rows in primary-key order, one per pair: the newest. Read once.</summary>
    public IEnumerable<ImportRow> ReadDistinct()
    {
        _buffer.AsSpan(0, _count).Sort(default(ImportRow.Order));
        var queue = new PriorityQueue<Cursor, ImportRow>(default(ImportRow.Order));
        foreach (var cursor in _runs.Select(run => new Cursor(new ImportRow[ReadChunkRows], 0, run)).Append(new Cursor(_buffer, _count, null)))
        {
            if (cursor.TryRead(out var first))
            {
                queue.Enqueue(cursor, first);
            }
        }

        var previous = default(ImportRow);
        var any = false;
        while (queue.TryDequeue(out var cursor, out var row))
        {
            if (cursor.TryRead(out var next))
            {
                queue.Enqueue(cursor, next);
            }

            _consumed++;
            if (!any || row.Owner != previous.Owner || row.Other != previous.Other)
            {
                (previous, any) = (row, true);
                yield return row;
            }
        }
    }

    public void Dispose()
    {
        foreach (var run in _runs)
        {
            run.Dispose();
        }
    }

    private void Spill()
    {
        var rows = _buffer.AsSpan(0, _count);
        rows.Sort(default(ImportRow.Order));
        var run = new FileStream(Path.Combine(Path.GetTempPath(), $"relgraph-import-{Guid.NewGuid():N}.run"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        _runs.Add(run);
        run.Write(MemoryMarshal.AsBytes(rows));
        run.Flush();
        run.Position = 0;
        _count = 0;
    }

    /// <summary>The next rows of one run: the in-memory remainder, or a spilled file read a chunk at a time.</summary>
    private sealed class Cursor(ImportRow[] rows, int count, FileStream? file)
    {
        private int _position;
        private int _count = count;

        public bool TryRead(out ImportRow row)
        {
            if (_position == _count && file is not null)
            {
                var bytes = MemoryMarshal.AsBytes(rows.AsSpan());
                _count = file.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) / Unsafe.SizeOf<ImportRow>();
                _position = 0;
            }

            if (_position < _count)
            {
                row = rows[_position++];
                return true;
            }

            row = default;
            return false;
        }
    }
}
