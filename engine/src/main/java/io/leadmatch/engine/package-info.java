/** leadmatch engine: normalization, the domain index, assignment, snapshot loading. No transport code. */
package io.leadmatch.engine;
