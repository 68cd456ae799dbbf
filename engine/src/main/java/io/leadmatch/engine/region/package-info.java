/** Countries and subdivisions as ISO 3166 codes, from the many ways requests and CRM exports write them. */
package io.leadmatch.engine.region;
