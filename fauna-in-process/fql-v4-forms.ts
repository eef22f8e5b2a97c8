/**
 * The names of FQL v4's functions as they travel on the wire (`{"paginate": …}`), one per function
 * of the faunadb 4.8.2 driver's src/query.js, read from it once (204 names). The evaluator
 * uses it to tell a form the in-process Fauna lacks (a 400 saying so) from one that is no FQL at all.
 */
export const FQL_V4_FORMS: ReadonlySet<string> = new Set([
  'abort', 'abs', 'access_provider', 'access_providers', 'acos', 'add', 'all', 'and', 'any',
  'append', 'asin', 'at', 'atan', 'bitand', 'bitnot', 'bitor', 'bitxor', 'call', 'casefold', 'ceil',
  'class', 'classes', 'collection', 'collections', 'concat', 'contains', 'contains_field',
  'contains_path', 'contains_value', 'containsstr', 'containsstrregex', 'cos', 'cosh', 'count',
  'create', 'create_access_provider', 'create_class', 'create_collection', 'create_database',
  'create_function', 'create_index', 'create_key', 'create_role', 'credentials', 'current_identity',
  'current_token', 'database', 'databases', 'date', 'day_of_month', 'day_of_week', 'day_of_year',
  'degrees', 'delete', 'difference', 'distinct', 'divide', 'do', 'documents', 'drop', 'endswith',
  'epoch', 'equals', 'events', 'exists', 'exp', 'filter', 'findstr', 'findstrregex', 'floor',
  'foreach', 'format', 'function', 'functions', 'get', 'gt', 'gte', 'has_current_identity',
  'has_current_token', 'has_identity', 'hour', 'hypot', 'identify', 'identity', 'if', 'index',
  'indexes', 'insert', 'intersection', 'is_array', 'is_boolean', 'is_bytes', 'is_collection',
  'is_credentials', 'is_database', 'is_date', 'is_doc', 'is_double', 'is_empty', 'is_function',
  'is_index', 'is_integer', 'is_key', 'is_lambda', 'is_nonempty', 'is_null', 'is_number',
  'is_object', 'is_ref', 'is_role', 'is_set', 'is_string', 'is_timestamp', 'is_token', 'join',
  'key_from_secret', 'keys', 'lambda', 'length', 'let', 'ln', 'log', 'login', 'logout', 'lowercase',
  'lt', 'lte', 'ltrim', 'map', 'match', 'max', 'mean', 'merge', 'min', 'minute', 'modulo', 'month',
  'move_database', 'multiply', 'new_id', 'next_id', 'ngram', 'not', 'now', 'object', 'or',
  'paginate', 'pow', 'prepend', 'query', 'radians', 'range', 'reduce', 'regexescape', 'remove',
  'repeat', 'replace', 'replacestr', 'replacestrregex', 'reverse', 'role', 'roles', 'round',
  'rtrim', 'second', 'select', 'select_all', 'sign', 'sin', 'singleton', 'sinh', 'space', 'sqrt',
  'startswith', 'substring', 'subtract', 'sum', 'take', 'tan', 'tanh', 'time', 'time_add',
  'time_diff', 'time_subtract', 'titlecase', 'to_array', 'to_date', 'to_double', 'to_integer',
  'to_micros', 'to_millis', 'to_number', 'to_object', 'to_seconds', 'to_string', 'to_time',
  'tokens', 'trim', 'trunc', 'union', 'update', 'uppercase', 'var', 'year',
]);
