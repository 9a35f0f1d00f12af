/**
 * Controller request handlers: validate a request against the current image and return the
 * metadata records to append plus the response. Pure; run on the controller leader's apply thread.
 */
package io.conclave.partition.controller;
