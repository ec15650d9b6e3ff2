using System.Linq.Expressions;
using System.Reflection;

namespace LoyaltyConsole.Data;

/// <summary>
/// "Contains, ignoring case" on every provider: ILIKE on PostgreSQL (whose LIKE is case-sensitive), LIKE elsewhere
/// (SQL Server's default collation and SQLite's LIKE ignore case). The person's text is always escaped, so % and _ in
/// it are plain characters, and it reaches the database as a parameter.
/// </summary>
public static class TextSearch
{
    public const string EscapeCharacter = "\\";

    private static readonly MethodInfo Like = typeof(DbFunctionsExtensions).GetMethod(
        nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    private static readonly MethodInfo ILike = typeof(NpgsqlDbFunctionsExtensions).GetMethod(
        nameof(NpgsqlDbFunctionsExtensions.ILike), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    /// <summary>A LIKE pattern matching <paramref name="term"/> anywhere, with its wildcards escaped.</summary>
    public static string ContainsPattern(string term) => $"%{Escape(term.Trim())}%";

    public static string Escape(string term) =>
        term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>Keeps the rows where any of <paramref name="fields"/> matches its pattern, ignoring case.</summary>
    public static IQueryable<T> WhereAnyMatches<T>(
        this IQueryable<T> source, ApplicationDbContext db, params (Expression<Func<T, string?>> Field, string Pattern)[] fields)
    {
        if (fields.Length == 0)
        {
            return source;
        }
        var method = db.Database.IsNpgsql() ? ILike : Like;
        var row = Expression.Parameter(typeof(T), "row");
        Expression? any = null;
        foreach (var (field, pattern) in fields)
        {
            var value = new Rebind(field.Parameters[0], row).Visit(field.Body);
            // Read through a closure so the pattern is sent as a parameter, never inlined into the SQL.
            var holder = new PatternHolder(pattern);
            var patternExpression = Expression.Property(Expression.Constant(holder), nameof(PatternHolder.Value));
            var match = Expression.Call(method, Expression.Constant(EF.Functions), value, patternExpression, Expression.Constant(EscapeCharacter));
            any = any is null ? match : Expression.OrElse(any, match);
        }
        return source.Where(Expression.Lambda<Func<T, bool>>(any!, row));
    }

    private sealed record PatternHolder(string Value);

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
