// Package paramflags sets kernel.Params from the command line: a JSON file
// (-params FILE, the field names of kernel.Params) and one flag per field
// overriding it. Precedence is kernel.Defaults, then the file, then the
// flags given. Errors name where a bad value came from:
// "-dims 7: must be 2 or 3" or "p.json: Damping 1.5: must be in (0, 1]".
package paramflags
