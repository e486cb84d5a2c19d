using System.Data;
using Dapper;

namespace Coordination.Hosting.Data;

/// <summary>Dapper conventions for every service: snake_case columns, timestamptz as UTC DateTimeOffset.</summary>
public static class DapperSetup
{
    private static readonly Lock Gate = new();
    private static bool configured;

    /// <summary>Idempotent; a caller returns only once the conventions are in place (not while another sets them).</summary>
    public static void Configure()
    {
        lock (Gate)
        {
            if (configured) return;
            DefaultTypeMap.MatchNamesWithUnderscores = true;
            // Dapper passes a type of its built-in map straight to the driver, never through a handler's SetValue: without
            // this, a DateTimeOffset with another offset (an API's "+02:00") reaches Npgsql, which refuses it (a 500).
            SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
            SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
            SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
            SqlMapper.AddTypeHandler(new NullableDateTimeOffsetHandler());
            configured = true;
        }
    }

    // Npgsql reads timestamptz as a UTC DateTime and writes only UTC DateTimeOffsets.
    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value.ToUniversalTime();

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            DateTimeOffset dto => dto,
            _ => throw new DataException($"Cannot convert {value.GetType().Name} to DateTimeOffset"),
        };
    }

    private sealed class NullableDateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset?>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset? value) =>
            parameter.Value = value is { } v ? v.ToUniversalTime() : DBNull.Value;

        public override DateTimeOffset? Parse(object value) => value switch
        {
            DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            DateTimeOffset dto => dto,
            _ => null,
        };
    }
}
