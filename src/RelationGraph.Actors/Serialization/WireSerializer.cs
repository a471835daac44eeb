using System.Buffers;
using System.Collections.Concurrent;
using System.Reflection;

namespace RelationGraph.Actors.Serialization;

/// <summary>
/// A compact binary serializer for grain call arguments and results: primitives as variable-length integers,
/// strings as UTF-8, collections with a count, and records (or any type whose public constructor parameters
/// match its readable properties) as their constructor arguments in order. Types travel by their declared
/// type, so both ends need the same contracts, as with Orleans' generated serializers.
/// </summary>
public static class WireSerializer
{
    private static readonly ConcurrentDictionary<Type, WireCodec> Codecs = new();

    /// <summary>The codec of <paramref name="type"/>; throws <see cref="NotSupportedException"/> for types it cannot carry.</summary>
    public static WireCodec GetCodec(Type type) => Codecs.GetOrAdd(type, Create);

    /// <summary>Writes <paramref name="value"/> of declared type <paramref name="type"/>.</summary>
    public static void Write(ref WireWriter writer, Type type, object? value) => GetCodec(type).Write(ref writer, value);

    /// <summary>Reads a value of declared type <paramref name="type"/>.</summary>
    public static object? Read(ref WireReader reader, Type type) => GetCodec(type).Read(ref reader);

    /// <summary>Serializes one value to a new array.</summary>
    public static byte[] Serialize<T>(T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new WireWriter(buffer);
        Write(ref writer, typeof(T), value);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Deserializes one value.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireReader(bytes);
        return (T)Read(ref reader, typeof(T))!;
    }

    private static WireCodec Create(Type type)
    {
        if (type == typeof(string)) return new StringCodec();
        if (type == typeof(bool)) return new PrimitiveCodec(static (ref WireWriter w, object? v) => w.WriteByte((bool)v! ? (byte)1 : (byte)0), static (ref WireReader r) => r.ReadByte() != 0);
        if (type == typeof(byte)) return new PrimitiveCodec(static (ref WireWriter w, object? v) => w.WriteByte((byte)v!), static (ref WireReader r) => r.ReadByte());
        if (type == typeof(short)) return new PrimitiveCodec(static (ref WireWriter w, object? v) => w.WriteVarInt64((short)v!), static (ref WireReader r) => checked((short)r.ReadVarInt64()));
        if (type == typeof(int)) return new PrimitiveCodec(static (ref WireWriter w, object? v) => w.WriteVarInt64((int)v!), static (ref WireReader r) => checked((int)r.ReadVarInt64()));
        if (type == typeof(long)) return new PrimitiveCodec(static (ref WireWriter w, object? v) => w.WriteVarInt64((long)v!), static (ref WireReader r) => r.ReadVarInt64());
        if (type == typeof(double)) return new PrimitiveCodec(static (ref WireWriter w, object? v) => w.WriteDouble((double)v!), static (ref WireReader r) => r.ReadDouble());
        if (type == typeof(Guid)) return new PrimitiveCodec(static (ref WireWriter w, object? v) => w.WriteBytes(((Guid)v!).ToByteArray()), static (ref WireReader r) => new Guid(r.ReadBytes()));
        if (type == typeof(TimeSpan)) return new PrimitiveCodec(static (ref WireWriter w, object? v) => w.WriteVarInt64(((TimeSpan)v!).Ticks), static (ref WireReader r) => new TimeSpan(r.ReadVarInt64()));
        if (type == typeof(DateTime)) return new PrimitiveCodec(static (ref WireWriter w, object? v) => w.WriteInt64(((DateTime)v!).ToBinary()), static (ref WireReader r) => DateTime.FromBinary(r.ReadInt64()));
        if (type == typeof(DateTimeOffset))
        {
            return new PrimitiveCodec(
                static (ref WireWriter w, object? v) => { var d = (DateTimeOffset)v!; w.WriteVarInt64(d.UtcTicks); w.WriteVarInt64((long)d.Offset.TotalMinutes); },
                static (ref WireReader r) => { var ticks = r.ReadVarInt64(); return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(r.ReadVarInt64())); });
        }

        if (type == typeof(byte[])) return new PrimitiveCodec(static (ref WireWriter w, object? v) => w.WriteBytes((byte[])v!), static (ref WireReader r) => r.ReadBytes().ToArray(), nullable: true);
        if (type == typeof(CancellationToken)) return new PrimitiveCodec(static (ref WireWriter _, object? _) => { }, static (ref WireReader _) => CancellationToken.None);
        if (type.IsEnum) return new EnumCodec(type);
        if (Nullable.GetUnderlyingType(type) is { } underlying) return new NullableCodec(underlying);
        if (ListCodec.TryCreate(type) is { } list) return list;
        return ObjectCodec.Create(type);
    }

    private delegate void WriteValue(ref WireWriter writer, object? value);

    private delegate object? ReadValue(ref WireReader reader);

    private sealed class PrimitiveCodec(WriteValue write, ReadValue read, bool nullable = false) : WireCodec
    {
        public override void Write(ref WireWriter writer, object? value)
        {
            if (nullable)
            {
                writer.WriteByte(value is null ? (byte)0 : (byte)1);
                if (value is null) return;
            }

            write(ref writer, value);
        }

        public override object? Read(ref WireReader reader) => nullable && reader.ReadByte() == 0 ? null : read(ref reader);
    }

    private sealed class StringCodec : WireCodec
    {
        public override void Write(ref WireWriter writer, object? value) => writer.WriteString((string?)value);

        public override object? Read(ref WireReader reader) => reader.ReadString();
    }

    private sealed class EnumCodec(Type type) : WireCodec
    {
        public override void Write(ref WireWriter writer, object? value) => writer.WriteVarInt64(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));

        public override object? Read(ref WireReader reader) => Enum.ToObject(type, reader.ReadVarInt64());
    }

    private sealed class NullableCodec(Type underlying) : WireCodec
    {
        private readonly Lazy<WireCodec> _inner = new(() => GetCodec(underlying));

        public override void Write(ref WireWriter writer, object? value)
        {
            writer.WriteByte(value is null ? (byte)0 : (byte)1);
            if (value is not null) _inner.Value.Write(ref writer, value);
        }

        public override object? Read(ref WireReader reader) => reader.ReadByte() == 0 ? null : _inner.Value.Read(ref reader);
    }

    private sealed class ListCodec : WireCodec
    {
        private readonly Type _elementType;
        private readonly bool _array;
        private readonly Lazy<WireCodec> _element;

        private ListCodec(Type elementType, bool array)
        {
            _elementType = elementType;
            _array = array;
            _element = new(() => GetCodec(elementType));
        }

        public static ListCodec? TryCreate(Type type)
        {
            if (type.IsArray) return new ListCodec(type.GetElementType()!, array: true);
            if (!type.IsGenericType) return null;
            var definition = type.GetGenericTypeDefinition();
            return definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)
                   || definition == typeof(IReadOnlyCollection<>) || definition == typeof(ICollection<>) || definition == typeof(IEnumerable<>)
                ? new ListCodec(type.GetGenericArguments()[0], array: false)
                : null;
        }

        public override void Write(ref WireWriter writer, object? value)
        {
            if (value is null)
            {
                writer.WriteVarUInt64(0);
                return;
            }

            var items = ((System.Collections.IEnumerable)value).Cast<object?>().ToList();
            writer.WriteVarUInt64((ulong)items.Count + 1);
            foreach (var item in items)
            {
                _element.Value.Write(ref writer, item);
            }
        }

        public override object? Read(ref WireReader reader)
        {
            var count = reader.ReadVarUInt64();
            if (count == 0) return null;
            var length = checked((int)(count - 1));
            if (length > reader.Remaining) throw new InvalidDataException("A list is longer than its message.");
            var list = _array ? Array.CreateInstance(_elementType, length) : (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(_elementType), length)!;
            for (var i = 0; i < length; i++)
            {
                var item = _element.Value.Read(ref reader);
                if (_array) list[i] = item; else list.Add(item);
            }

            return list;
        }
    }

    private sealed class ObjectCodec : WireCodec
    {
        private readonly ConstructorInfo _constructor;
        private readonly PropertyInfo[] _properties;
        private readonly Lazy<WireCodec[]> _codecs;
        private readonly bool _nullable;

        private ObjectCodec(Type type, ConstructorInfo constructor, PropertyInfo[] properties)
        {
            _constructor = constructor;
            _properties = properties;
            _nullable = !type.IsValueType;
            _codecs = new(() => properties.Select(p => GetCodec(p.PropertyType)).ToArray());
        }

        public static ObjectCodec Create(Type type)
        {
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0).ToList();
            foreach (var constructor in type.GetConstructors().OrderByDescending(c => c.GetParameters().Length))
            {
                var matched = constructor.GetParameters()
                    .Select(p => properties.FirstOrDefault(q => string.Equals(q.Name, p.Name, StringComparison.OrdinalIgnoreCase) && q.PropertyType == p.ParameterType))
                    .ToArray();
                if (matched.All(p => p is not null) && (matched.Length > 0 || type.IsValueType))
                {
                    return new ObjectCodec(type, constructor, matched!);
                }
            }

            throw new NotSupportedException(
                $"{type} cannot travel between silos: it needs a public constructor whose parameters match its public properties (a positional record does).");
        }

        public override void Write(ref WireWriter writer, object? value)
        {
            if (_nullable)
            {
                writer.WriteByte(value is null ? (byte)0 : (byte)1);
                if (value is null) return;
            }

            var codecs = _codecs.Value;
            for (var i = 0; i < _properties.Length; i++)
            {
                codecs[i].Write(ref writer, _properties[i].GetValue(value));
            }
        }

        public override object? Read(ref WireReader reader)
        {
            if (_nullable && reader.ReadByte() == 0) return null;
            var codecs = _codecs.Value;
            var arguments = new object?[codecs.Length];
            for (var i = 0; i < codecs.Length; i++)
            {
                arguments[i] = codecs[i].Read(ref reader);
            }

            try
            {
                return _constructor.Invoke(arguments);
            }
            catch (TargetInvocationException exception) when (exception.InnerException is not null)
            {
                throw new InvalidDataException($"Invalid {_constructor.DeclaringType!.Name} on the wire: {exception.InnerException.Message}", exception.InnerException);
            }
        }
    }
}
