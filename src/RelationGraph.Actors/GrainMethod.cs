using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace RelationGraph.Actors;

/// <summary>
/// A grain interface method with compiled delegates for both ends of a call: the invoker that runs it on a grain
/// instance and the converter that turns the runtime's untyped result back into the method's return type.
/// </summary>
public sealed class GrainMethod
{
    private static readonly ConcurrentDictionary<MethodInfo, GrainMethod> Cache = new();

    private readonly Func<object, object?[], Task<object?>> _invoke;
    private readonly Func<Task<object?>, object> _convertResult;

    private GrainMethod(MethodInfo method)
    {
        Method = method;
        Name = $"{method.DeclaringType!.Name}.{method.Name}";
        AlwaysInterleave = method.IsDefined(typeof(AlwaysInterleaveAttribute), inherit: true);
        ParameterTypes = method.GetParameters().Select(p => p.ParameterType).ToArray();
        Id = (int)StableHash.Of($"{method.DeclaringType.FullName}.{method.Name}({string.Join(',', ParameterTypes.Select(t => t.FullName))})");
        var (resultType, kind) = Classify(method);
        ResultType = resultType;
        _invoke = CompileInvoker(method, resultType, kind);
        _convertResult = CompileConverter(resultType, kind);
    }

    private enum ReturnKind { Task, ValueTask }

    /// <summary>The interface method.</summary>
    public MethodInfo Method { get; }

    /// <summary>A short name for logs: <c>Interface.Method</c>.</summary>
    public string Name { get; }

    /// <summary>Whether the method may interleave with other requests of the same activation.</summary>
    public bool AlwaysInterleave { get; }

    /// <summary>The method's id on the wire: a stable hash of its interface, name and parameter types.</summary>
    public int Id { get; }

    /// <summary>The declared parameter types, which the wire format follows.</summary>
    public IReadOnlyList<Type> ParameterTypes { get; }

    /// <summary>The type of the result, or null for <see cref="Task"/> and <see cref="ValueTask"/>.</summary>
    public Type? ResultType { get; }

    /// <summary>The descriptor of <paramref name="method"/>, built once.</summary>
    public static GrainMethod For(MethodInfo method) => Cache.GetOrAdd(method, static m => new GrainMethod(m));

    /// <summary>Throws when an interface method's return type is not awaitable.</summary>
    public static void Validate(MethodInfo method) => Classify(method);

    internal Task<object?> Invoke(object grain, object?[] arguments) => _invoke(grain, arguments);

    internal object ConvertResult(Task<object?> result) => _convertResult(result);

    private static (Type? ResultType, ReturnKind Kind) Classify(MethodInfo method)
    {
        var type = method.ReturnType;
        if (type == typeof(Task)) return (null, ReturnKind.Task);
        if (type == typeof(ValueTask)) return (null, ReturnKind.ValueTask);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Task<>)) return (type.GetGenericArguments()[0], ReturnKind.Task);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>)) return (type.GetGenericArguments()[0], ReturnKind.ValueTask);
        throw new NotSupportedException(
            $"Grain method {method.DeclaringType?.Name}.{method.Name} returns {type.Name}; grain methods must return Task, Task<T>, ValueTask or ValueTask<T>.");
    }

    private static Func<object, object?[], Task<object?>> CompileInvoker(MethodInfo method, Type? resultType, ReturnKind kind)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var parameters = method.GetParameters()
            .Select((p, i) => Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType));
        var call = Expression.Call(Expression.Convert(grain, method.DeclaringType!), method, parameters);
        var adapter = resultType is null
            ? typeof(GrainMethod).GetMethod(kind == ReturnKind.Task ? nameof(FromTask) : nameof(FromValueTask), BindingFlags.NonPublic | BindingFlags.Static)!
            : typeof(GrainMethod).GetMethod(kind == ReturnKind.Task ? nameof(FromTaskOf) : nameof(FromValueTaskOf), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(resultType);
        return Expression.Lambda<Func<object, object?[], Task<object?>>>(Expression.Call(adapter, call), grain, args).Compile();
    }

    private static Func<Task<object?>, object> CompileConverter(Type? resultType, ReturnKind kind)
    {
        if (resultType is null)
        {
            return kind == ReturnKind.Task ? static t => t : static t => new ValueTask(t);
        }

        var name = kind == ReturnKind.Task ? nameof(ToTaskOf) : nameof(ToValueTaskOf);
        var converter = typeof(GrainMethod).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(resultType);
        return converter.CreateDelegate<Func<Task<object?>, object>>();
    }

    private static async Task<object?> FromTask(Task task)
    {
        await task.ConfigureAwait(false);
        return null;
    }

    private static async Task<object?> FromValueTask(ValueTask task)
    {
        await task.ConfigureAwait(false);
        return null;
    }

    private static async Task<object?> FromTaskOf<T>(Task<T> task) => await task.ConfigureAwait(false);

    private static async Task<object?> FromValueTaskOf<T>(ValueTask<T> task) => await task.ConfigureAwait(false);

    private static object ToTaskOf<T>(Task<object?> task) => CastAsync<T>(task);

    private static object ToValueTaskOf<T>(Task<object?> task) => new ValueTask<T>(CastAsync<T>(task));

    private static async Task<T> CastAsync<T>(Task<object?> task) => (T)(await task.ConfigureAwait(false))!;
}
